/**
 * The Prometheus text exposition format (0.0.4), as node_exporter's textfile collector
 * reads it: per family a `# HELP` and a `# TYPE` line, then `name{label="value"} number`.
 */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels?: Record<string, string>; value: number }[];
}

// HELP text escapes backslash and newline; label values also escape the double quote.
const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string): string => escapeHelp(s).replace(/"/g, '\\"');

const labelsText = (labels: Record<string, string> | undefined): string => {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
};

export function formatMetrics(families: readonly MetricFamily[]): string {
  return families
    .map((f) => [`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...f.samples.map((s) => `${f.name}${labelsText(s.labels)} ${s.value}`)].join('\n'))
    .join('\n')
    .concat('\n');
}
