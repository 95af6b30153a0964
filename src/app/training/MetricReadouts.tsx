import type { RunView } from './runView';
import { Readout } from '../common/Readout';

export function MetricReadouts({ run }: { run: RunView | null }) {
  const latest = run?.history[run.history.length - 1] ?? null;
  return (
    <section className="panel readouts" aria-label="Metrics">
      <Readout testId="metric-step" label="step" value={run ? run.step : null} digits={0} />
      <Readout testId="metric-loss-total" label="total loss" value={latest?.lossTotal ?? null} />
      <Readout testId="metric-loss-con" label="L_con" value={latest?.lossCon ?? null} />
      <Readout testId="metric-bpd" label="bits/dim" value={latest?.bitsPerDim ?? null} />
      <Readout testId="metric-con-top1" label="positive top-1" value={latest?.conTop1 ?? null} />
      <Readout testId="metric-images-per-sec" label="images/s" value={latest?.imagesPerSec ?? null} digits={1} />
      <Readout testId="metric-ms-per-step" label="ms/step" value={latest?.msPerStep ?? null} digits={0} />
    </section>
  );
}
