/**
 * The analysis views (conversations, endpoints, expert information, DNS, TLS, the connection
 * doctor) the shell offers, in the order of the tab line. See ../contract.ts for what a view gets.
 */
import type { TuiView } from '../contract.js';

export const ANALYSIS_VIEWS: TuiView[] = [];
