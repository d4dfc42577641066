import type { EChartsType } from 'echarts/core';
import { echarts, TEXT } from './echarts.js';
import { pct, WEEKDAYS } from './format.js';

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/** Mean pnl and trade count by entry (UTC weekday, hour): index weekday * 24 + hour, Monday first. */
export interface HourWeekday {
  readonly sum: readonly number[];
  readonly count: readonly number[];
}

/** One 7 x 24 heatmap of mean pnl; the trade count is in the tooltip and the cell's label when it fits. */
export class HourWeekdayChart {
  private readonly chart: EChartsType;

  constructor(element: HTMLElement) {
    this.chart = echarts.init(element, null, { renderer: 'canvas' });
    window.addEventListener('resize', () => this.chart.resize());
  }

  draw(title: string, cells: HourWeekday): void {
    const data: [number, number, number | string, number][] = [];
    const means: number[] = [];
    for (let w = 0; w < 7; w++) {
      for (let h = 0; h < 24; h++) {
        const n = cells.count[w * 24 + h]!;
        const mean = n > 0 ? cells.sum[w * 24 + h]! / n : NaN;
        if (n > 0) means.push(Math.abs(mean));
        data.push([h, 6 - w, n > 0 ? mean : '-', n]);
      }
    }
    means.sort((a, b) => a - b);
    const scale = means[Math.floor(0.95 * (means.length - 1))] || 0.001;
    this.chart.setOption(
      {
        animation: false,
        textStyle: { color: TEXT },
        title: { text: title, textStyle: { color: TEXT, fontSize: 12, fontWeight: 'normal' }, left: 0, top: 0 },
        grid: { left: 40, right: 10, top: 26, bottom: 56 },
        tooltip: {
          formatter: (p: { data: [number, number, number | string, number] }) => {
            const [h, w, mean, n] = p.data;
            return `${WEEKDAYS[6 - w]} ${HOURS[h]}:00 UTC<br>${n} trades${typeof mean === 'number' ? `, mean pnl ${pct(mean, 3)}` : ''}`;
          },
        },
        xAxis: { type: 'category', data: HOURS, axisLabel: { color: TEXT, fontSize: 10 } },
        yAxis: { type: 'category', data: [...WEEKDAYS].reverse(), axisLabel: { color: TEXT } },
        visualMap: {
          dimension: 2,
          min: -scale,
          max: scale,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          itemHeight: 120,
          textStyle: { color: TEXT, fontSize: 10 },
          formatter: (v: number) => pct(v, 2),
          inRange: { color: ['#e5534b', '#3a1f22', '#1f2630', '#173a2a', '#26a269'] },
        },
        series: [{ type: 'heatmap', data, itemStyle: { borderColor: '#161b22', borderWidth: 1 }, emphasis: { itemStyle: { borderColor: '#fff', borderWidth: 1 } } }],
      },
      true,
    );
  }
}
