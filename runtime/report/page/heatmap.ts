import type { ReportMeta } from '../html/meta.js';
import { echarts, TEXT } from './echarts.js';
import { absQuantile, pct } from './format.js';

/**
 * Strategy x (timeframe, risk profile), coloured by total return; a click
 * opens the drill-down of that cell's combination (the first symbol's when
 * there are several).
 */
export function drawHeatmap(element: HTMLElement, meta: ReportMeta, onPick: (combo: number) => void): void {
  const col = Object.fromEntries(meta.columns.map((name, k) => [name, k]));
  const xs = meta.run.timeframes.flatMap((tf) => meta.run.profiles.map((p) => `${tf} ${p}`));
  const strategies = [...meta.strategies].sort((a, b) => b.id - a.id);
  const yIndex = new Map(strategies.map((s, k) => [s.id, k]));
  const xIndex = new Map(xs.map((x, k) => [x, k]));
  // a combination without trades has no total return: its cell stays empty
  const cells: [number, number, number, number][] = [];
  const seen = new Set<string>();
  meta.rows.forEach((row, combo) => {
    const x = xIndex.get(`${row[col.timeframe!]} ${row[col.risk_profile!]}`);
    const y = yIndex.get(row[col.strategy_id!] as number);
    const value = row[col.total_return!] as number | null;
    if (x === undefined || y === undefined || value === null || seen.has(`${x} ${y}`)) return;
    seen.add(`${x} ${y}`);
    cells.push([x, y, value, combo]);
  });
  const scale = absQuantile(cells.map((c) => c[2]), 0.95);
  element.style.height = `${Math.max(300, strategies.length * 13 + 90)}px`;
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    textStyle: { color: TEXT },
    grid: { left: 210, right: 90, top: 10, bottom: 50 },
    tooltip: {
      formatter: (p: { data: [number, number, number, number] }) => {
        const [x, y, v] = p.data;
        const s = strategies[y]!;
        return `${s.displayName} (${s.id})<br>${xs[x]}: ${pct(v)}`;
      },
    },
    xAxis: { type: 'category', data: xs, axisLabel: { color: TEXT, rotate: 30 }, splitArea: { show: false } },
    yAxis: { type: 'category', data: strategies.map((s) => `${s.id} ${s.name}`), axisLabel: { color: TEXT, fontSize: 10, width: 200, overflow: 'truncate' } },
    visualMap: {
      dimension: 2,
      min: -scale,
      max: scale,
      calculable: true,
      orient: 'vertical',
      right: 0,
      top: 'center',
      textStyle: { color: TEXT },
      formatter: (v: number) => pct(v, 0),
      inRange: { color: ['#e5534b', '#3a1f22', '#1f2630', '#173a2a', '#26a269'] },
      outOfRange: { color: ['#2a2f36'] },
    },
    series: [
      {
        type: 'heatmap',
        data: cells,
        itemStyle: { borderColor: '#161b22', borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: '#fff', borderWidth: 1 } },
      },
    ],
  });
  chart.on('click', (p) => {
    onPick((p.data as [number, number, number, number])[3]);
  });
  window.addEventListener('resize', () => chart.resize());
}
