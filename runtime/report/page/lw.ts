import { ColorType, createChart, type DeepPartial, type IChartApi, type TimeChartOptions, type UTCTimestamp } from 'lightweight-charts';

/** A lightweight-charts chart in the page's colours; times are UTC. */
export function newChart(element: HTMLElement, options: DeepPartial<TimeChartOptions> = {}): IChartApi {
  return createChart(element, {
    autoSize: true,
    // attribution is in the page's footer, without a link: the page makes no request and has no external URL
    layout: { background: { type: ColorType.Solid, color: '#161b22' }, textColor: '#8b96a3', attributionLogo: false, fontSize: 11 },
    grid: { vertLines: { color: '#1f2730' }, horzLines: { color: '#1f2730' } },
    rightPriceScale: { borderColor: '#27303b' },
    timeScale: { borderColor: '#27303b', timeVisible: true },
    crosshair: { mode: 0 },
    ...options,
  });
}

export const seconds = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;
