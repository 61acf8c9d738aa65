/**
 * Field-name classification for `-e` and the other places that take a field name: it lives with the
 * fields (src/dissectors/field-names.ts), where the display filter reads it too.
 */
export { classifyFieldName, closestField, unknownFieldMessage, type FieldNameVerdict } from '../dissectors/field-names.js';
