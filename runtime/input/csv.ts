/** A CSV field as Python's csv module writes it (minimal quoting); lines end in CRLF like its default dialect. */
export function csvField(value: string): string {
  if (value.includes('"')) return `"${value.replaceAll('"', '""')}"`;
  return value.includes(',') || value.includes('\n') || value.includes('\r') ? `"${value}"` : value;
}

/** Splits one CSV line with minimal quoting back into fields. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k]!;
    if (quoted) {
      if (ch === '"' && line[k + 1] === '"') {
        field += '"';
        k++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}
