/**
 * A plot (./plot.ts) in Ink: each row a line of coloured runs, and a legend of the series.
 * Colours are dropped when the theme has none (NO_COLOR).
 */
import { Box, Text } from 'ink';
import { plot, type PlotSpec } from './plot.js';

export function Graph({ spec, color = true, legend = true }: { spec: PlotSpec; color?: boolean; legend?: boolean }) {
  const p = plot(legend ? { ...spec, height: spec.height - 1 } : spec);
  return (
    <Box flexDirection="column" width={spec.width}>
      {p.rows.map((row, i) => (
        <Text key={i} wrap="truncate">
          {row.map((r, j) => (
            <Text key={j} color={color ? r.color : undefined}>
              {r.text}
            </Text>
          ))}
        </Text>
      ))}
      {legend ? (
        <Text wrap="truncate">
          {' '.repeat(p.left)}
          {spec.series.filter((s) => s.label).map((s, i) => (
            <Text key={i} color={color ? s.color : undefined}>{`⣿ ${s.label}  `}</Text>
          ))}
        </Text>
      ) : null}
    </Box>
  );
}
