import { type Project, VariableDeclarationKind } from 'ts-morph';
import type { StrategyDiagnostics } from '../../runtime/registry/types.js';
import { canonical } from '../registry/columns.js';
import type { Strategy } from '../registry/schema.js';
import { SIDES } from '../registry/validate.js';

/**
 * generated/diagnostics.ts: everything the runtime knows about the
 * strategies besides their code, in a module of its own so that listing,
 * serving or seeding the registry loads no strategy: each strategy's
 * registry fields as validated, its required columns, the compiler's
 * findings, and the hash of the registry they came from.
 */
export function emitRegistry(
  project: Project,
  header: string,
  strategies: readonly Strategy[],
  diagnostics: readonly StrategyDiagnostics[],
  hash: string,
): string {
  const file = project.createSourceFile('diagnostics.ts', '', { overwrite: true });
  file.addStatements(
    `/*\n * ${header}\n *\n * The registry as the runtime knows it, without the strategies' code\n` +
      ` * (\`probe strategies\`, the API, \`probe db seed-strategies\` and \`probe run\` read\n` +
      ` * this, never strategies.json): each strategy's fields as strategies.json has\n` +
      ` * them (validated) and its required columns; and what the compiler proved\n` +
      ` * about the strategies: conditions that can never be true, strategies that\n` +
      ` * can never trade, strategies that compile to the same signals and exits as\n` +
      ` * another (strategies with no finding are left out of DIAGNOSTICS).\n */`,
  );
  file.addImportDeclaration({ moduleSpecifier: '../runtime/registry/diagnostics.js', isTypeOnly: true, namedImports: ['StrategyDiagnostics'] });
  file.addImportDeclaration({ moduleSpecifier: '../runtime/registry/types.js', isTypeOnly: true, namedImports: ['RegistryEntry'] });
  file.addVariableStatement({
    isExported: true,
    docs: [
      'sha256 of strategies.json in canonical form (runtime/registry/hash.ts: strategies by id,\n' +
        'keys sorted, no whitespace): which registry these strategies were compiled from.',
    ],
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'REGISTRY_HASH', initializer: literal(hash) }],
  });
  file.addVariableStatement({
    isExported: true,
    docs: ['Every strategy of the registry, in id order: its fields and its required columns.'],
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'REGISTRY', type: 'readonly RegistryEntry[]', initializer: multiline(strategies.map(entryLiteral)) }],
  });
  file.addVariableStatement({
    isExported: true,
    docs: ['What the compiler proved about the strategies with a finding, in id order.'],
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'DIAGNOSTICS', type: 'readonly StrategyDiagnostics[]', initializer: multiline(diagnostics.filter((d) => d.warnings.length > 0).map(diagnosticsLiteral)) }],
  });
  file.formatText({ indentSize: 2 });
  return file.getFullText();
}

/**
 * Registry data is written only through `literal`, which writes a JSON value
 * as the literal that evaluates to it: no registry content can change the
 * shape of the generated code.
 */
function entryLiteral(strategy: Strategy): string {
  return `{
  strategy: ${fieldsLiteral(strategy)},
  requiredColumns: ${literal(strategy.required_indicators.map(canonical))},
}`;
}

function diagnosticsLiteral(d: StrategyDiagnostics): string {
  const neverTrue = d.neverTrue.map(
    (n) => `{ side: ${literal(n.side)}, index: ${literal(n.index)}, type: ${literal(n.type)}, blocksSide: ${literal(n.blocksSide)} }`,
  );
  return `{
  id: ${literal(d.id)},
  name: ${literal(d.name)},
  neverTrades: ${literal(d.neverTrades)},
  neverTrue: ${multiline(neverTrue)},
  sameSignalsAs: ${literal(d.sameSignalsAs)},
  warnings: ${multiline(d.warnings.map(literal))},
}`;
}

/** One field per line, in the registry's order; the condition lists one condition per line. */
function fieldsLiteral(strategy: Strategy): string {
  const lines = Object.entries(strategy).map(([key, value]) => {
    const shown = (SIDES as readonly string[]).includes(key) ? multiline((value as unknown[]).map(literal)) : literal(value);
    return `\n${propertyName(key)}: ${shown},`;
  });
  return `{${lines.join('')}\n}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON value (as JSON.parse gives it) as a literal on one line. */
function literal(value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).map(([key, item]) => `${propertyName(key)}: ${literal(item)}`);
    return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
  }
  const text = JSON.stringify(value);
  if (text === undefined || (typeof value === 'number' && !Number.isFinite(value))) throw new Error(`not a JSON value: ${String(value)}`);
  return text;
}

/** A property name as written in an object literal; `__proto__` computed, since written plainly it would set the prototype. */
function propertyName(key: string): string {
  if (key === '__proto__') return `[${stringLiteral(key)}]`;
  return IDENTIFIER.test(key) ? key : stringLiteral(key);
}

/** A single-quoted string literal: JSON's escapes, with the quotes swapped. */
function stringLiteral(value: string): string {
  return `'${JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/** An array literal with one item per line, or `[]`. */
function multiline(items: readonly string[]): string {
  return items.length === 0 ? '[]' : `[${items.map((item) => `\n${item},`).join('')}\n]`;
}
