// Column names and types of the tables refract's KQL mapping declares, read from the `columns`
// section of backends/mappings/kql.yaml (Microsoft's table references are cited there). One list
// serves both: refract warns (W0402) when a query names a column outside it, and Kusto.Language
// then checks that every query compiles against it, so an unknown-column error that refract did
// not warn about is a defect of refract's check or of the queries it writes.
'use strict';
const fs = require('fs');
const path = require('path');

const mapping = path.join(__dirname, '..', '..', '..', 'backends', 'mappings', 'kql.yaml');

// The section's shape is fixed: "  Table: >-" and then indented lines of `name[:type]` tokens.
function readColumns(text) {
  const lines = text.split('\n');
  const start = lines.indexOf('columns:');
  if (start < 0) throw new Error(`${mapping}: no columns section`);
  const tables = {};
  let current = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || /^\S/.test(line)) break;
    const header = /^  ([A-Za-z0-9_]+): >-$/.exec(line);
    if (header) {
      current = tables[header[1]] = [];
    } else if (/^    \S/.test(line) && current) {
      for (const token of line.trim().split(/\s+/)) {
        current.push(token.includes(':') ? token : `${token}:string`);
      }
    } else if (!/^\s*#/.test(line)) {
      throw new Error(`${mapping}:${i + 1}: unexpected line in the columns section`);
    }
  }
  return tables;
}

module.exports = readColumns(fs.readFileSync(mapping, 'utf8'));
