// Parses every Sumo Logic Cloud SIEM rule expression refract wrote (the .cse files of
// `refract translate --target sumo-cse -o DIR`, or files given one by one) with a Spark SQL
// grammar, dt-sql-parser's SparkSQL: a match rule's expression, and in a threshold, chain or
// aggregation rule's JSON every expression, aggregation argument and trigger. Cloud SIEM's rule
// language is Spark SQL's expressions with its own functions
// (https://www.sumologic.com/help/docs/cse/rules/cse-rules-syntax/); a function name the grammar
// does not know still parses as a call, so this checks syntax: quoting, escapes, parentheses,
// operators. Prints FAIL lines and a summary; exit 1 on any error.
// Usage: node check_cse.mjs DIR|FILE...
import { register } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

register('./resolve_hooks.mjs', import.meta.url);
const { SparkSQL } = await import('dt-sql-parser');
const spark = new SparkSQL();

function files(args) {
  const out = [];
  for (const a of args) {
    if (fs.statSync(a).isDirectory()) {
      for (const f of fs.readdirSync(a, { recursive: true })) {
        if (String(f).endsWith('.cse')) out.push(path.join(a, String(f)));
      }
    } else {
      out.push(a);
    }
  }
  return out.sort();
}

// [what, SQL] pairs for one file: each expression inside the statement that gives it its role.
function statements(text) {
  const where = (e) => `SELECT * FROM records WHERE ${e}`;
  if (!text.startsWith('{')) return [['expression', where(text.trimEnd())]];
  const rule = JSON.parse(text);
  const out = [];
  if (rule.expression) out.push(['expression', where(rule.expression)]);
  if (rule.matchExpression) out.push(['matchExpression', where(rule.matchExpression)]);
  for (const [i, step] of (rule.expressionsAndLimits || []).entries()) {
    out.push([`expressionsAndLimits[${i}]`, where(step.expression)]);
  }
  for (const f of rule.aggregationFunctions || []) {
    for (const a of f.arguments) out.push([`${f.name} argument`, `SELECT ${a} FROM records`]);
  }
  if (rule.triggerExpression) out.push(['triggerExpression', where(rule.triggerExpression)]);
  for (const s of rule.entitySelectors || []) out.push(['entity', `SELECT ${s.expression} FROM r`]);
  for (const g of rule.groupByFields || []) out.push(['groupBy', `SELECT ${g} FROM records`]);
  return out;
}

let checked = 0;
let errors = 0;
const list = files(process.argv.slice(2));
for (const file of list) {
  let parts;
  try {
    parts = statements(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`FAIL ${file}: ${e.message}`);
    errors++;
    continue;
  }
  for (const [what, sql] of parts) {
    checked++;
    const found = spark.validate(sql);
    if (found.length) {
      errors++;
      console.log(`FAIL ${file} (${what}): ${found[0].message.slice(0, 160)}`);
      console.log(`  ${sql.slice(0, 240)}`);
    }
  }
}
console.log(`${checked} expression(s) in ${list.length} file(s), ${errors} error(s)`);
process.exit(errors || !list.length ? 1 : 0);
