/**
 * What GET /api/v1/strategies and /api/v1/strategies/{id} serve
 * (strategyInfos()): the strategies compiled into generated/, checked here
 * against strategies.json as the compiler validates it, with the compiler's
 * findings recomputed.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseRegistry } from '../../compiler/diagnostics/report.js';
import { REGISTRY_STRATEGIES } from '../../runtime/registry/registry.js';
import { strategyInfos, strategySummary } from '../../runtime/registry/strategy-info.js';
import { loadRegistry, rawRegistry } from '../support/registry.js';

const registry = loadRegistry();
const raw = rawRegistry();

describe('the strategies the API serves', () => {
  const infos = strategyInfos();

  it('are those of generated/ by default, which are strategies.json\'s, with the compiler\'s warnings', () => {
    expect(strategyInfos(REGISTRY_STRATEGIES)).toEqual(infos);
    expect(infos).toEqual(strategyInfos(registry));
    const warnings = diagnoseRegistry(registry).map((d) => d.warnings);
    expect(infos.map((s) => s.warnings)).toEqual(warnings);
    expect(infos.find((s) => s.id === 51)!.warnings[0]).toBe('can never trade: no entry side its direction (long_short) consults can ever be true.');
  });

  it('show every strategy of strategies.json, by id, with its conditions and exit parameters as written', () => {
    expect(infos.map((s) => s.id)).toEqual([...raw.map((s) => s.id as number)].sort((a, b) => a - b));
    for (const info of infos) {
      const written = raw.find((s) => s.id === info.id)!;
      const { warnings: _warnings, ...fields } = info;
      expect(fields).toEqual(Object.fromEntries(Object.keys(fields).map((key) => [key, written[key]])));
      expect(strategySummary(info)).toEqual({
        id: written.id, name: written.name, display_name: written.display_name, category: written.category,
        direction: written.direction, tags: written.tags, version: written.version,
      });
    }
  });
});
