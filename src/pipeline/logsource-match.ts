/** Which logsources a pipeline entry or a value transformation applies to; each key lists accepted values. */
export interface LogsourceMatch {
  readonly category?: string | readonly string[];
  readonly product?: string | readonly string[];
  readonly service?: string | readonly string[];
}
