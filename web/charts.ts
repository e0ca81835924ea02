import { html } from 'hono/html';
import type { Html } from './layout';

/**
 * Server-rendered SVG bar charts: no script, no CDN, the same picture in a screenshot as on screen.
 * The viewBox is about a phone's width, so at 360 px the labels keep their size; wider screens scale
 * it up to the CSS max-width. Each bar carries a <title> (a tooltip and a text alternative), the chart
 * a <title> and <desc>, and the same numbers are in a table under it for screen readers and copying.
 */

export interface ChartSeries {
  key: string;
  label: string;
  colour: string;
}

export interface ChartBar {
  /** Full label for the tooltip and the table ("2 Dec 14:00 UTC"). */
  label: string;
  /** Short axis label ("14h", "2 Dec"). */
  tick: string;
  values: Record<string, number>;
}

const WIDTH = 400;
const HEIGHT = 180;
const LEFT = 34;
const RIGHT = 6;
const TOP = 10;
const BOTTOM = 28;

/** A round axis maximum (1, 2, 5 × 10^n) at or above the largest stacked bar. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? 10 * power) as number;
}

/** Stacked bars, one per bucket, series stacked in the order given (bottom first). */
export function stackedBarChart(options: {
  id: string;
  title: string;
  description: string;
  series: ChartSeries[];
  bars: ChartBar[];
}): Html {
  const { id, series, bars } = options;
  const totals = bars.map((bar) => series.reduce((sum, s) => sum + (bar.values[s.key] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = Math.max(1, slot * 0.72);
  const y = (value: number) => TOP + plotHeight - (value / max) * plotHeight;
  const tickEvery = Math.max(1, Math.ceil(bars.length / 6));
  const round = (value: number) => Math.round(value * 10) / 10;
  return html`<figure class="chart" aria-labelledby="${id}-caption">
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">
      <title id="${id}-title">${options.title}</title>
      <desc id="${id}-desc">${options.description}</desc>
      <g font-size="11" fill="#333">
        <line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(0)}" y2="${y(0)}" stroke="#777" stroke-width="1" />
        <line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(max)}" y2="${y(max)}" stroke="#ddd" stroke-width="1" />
        <line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(max / 2)}" y2="${y(max / 2)}" stroke="#eee" stroke-width="1" />
        <text x="${LEFT - 4}" y="${y(max) + 4}" text-anchor="end">${max}</text>
        ${Number.isInteger(max / 2) ? html`<text x="${LEFT - 4}" y="${y(max / 2) + 4}" text-anchor="end">${max / 2}</text>` : ''}
        <text x="${LEFT - 4}" y="${y(0) + 4}" text-anchor="end">0</text>
        ${bars.map((bar, index) => {
          const x = LEFT + index * slot + (slot - barWidth) / 2;
          let base = 0;
          const parts = series.map((s) => {
            const value = bar.values[s.key] ?? 0;
            const rect =
              value > 0
                ? html`<rect
                    x="${round(x)}"
                    y="${round(y(base + value))}"
                    width="${round(barWidth)}"
                    height="${round(y(base) - y(base + value))}"
                    fill="${s.colour}"
                  />`
                : '';
            base += value;
            return rect;
          });
          const tip = `${bar.label}: ${series.map((s) => `${bar.values[s.key] ?? 0} ${s.label.toLowerCase()}`).join(', ')}`;
          // The last bar is always labelled, right-aligned so it is not cut; a regular tick too close to it is dropped.
          const last = index === bars.length - 1;
          const tick = last
            ? html`<text x="${WIDTH - RIGHT}" y="${HEIGHT - 10}" text-anchor="end">${bar.tick}</text>`
            : index % tickEvery === 0 && bars.length - 1 - index > tickEvery / 2
              ? html`<text x="${round(LEFT + index * slot + slot / 2)}" y="${HEIGHT - 10}" text-anchor="middle">${bar.tick}</text>`
              : '';
          return html`<g
              ><title>${tip}</title
              ><rect
                x="${round(LEFT + index * slot)}"
                y="${TOP}"
                width="${round(slot)}"
                height="${plotHeight}"
                fill="transparent"
              />${parts}</g
            >${tick}`;
        })}
      </g>
    </svg>
    <figcaption id="${id}-caption">
      <span class="chart-title">${options.title}</span>
      <ul class="legend">
        ${series.map(
          (s) =>
            html`<li>
              <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.colour}" /></svg>
              ${s.label}
            </li>`,
        )}
      </ul>
    </figcaption>
    <details class="chart-data">
      <summary>The numbers</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              ${series.map((s) => html`<th scope="col">${s.label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${bars.map(
              (bar) =>
                html`<tr>
                  <th scope="row">${bar.label}</th>
                  ${series.map((s) => html`<td>${bar.values[s.key] ?? 0}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}
