// Start, pause, single step and the four live sliders of the selected run.

import { HYPER_RANGES, type HyperParams } from '../../config';
import type { TrainingActions } from './runsController';
import type { RunView } from './runView';

interface SliderSpec {
  key: keyof HyperParams;
  testId: string;
  label: string;
  /** What a screen reader calls the slider. */
  name: string;
  /** The learning rate spans orders of magnitude, so its slider moves in log10 units. */
  log?: boolean;
}

const SLIDERS: SliderSpec[] = [
  { key: 'lambdaCon', testId: 'slider-lambda-con', label: 'λ_con', name: 'contrastive loss weight λ_con' },
  { key: 'lambdaGen', testId: 'slider-lambda-gen', label: 'λ_gen', name: 'generative loss weight λ_gen' },
  { key: 'tau', testId: 'slider-tau', label: 'τ', name: 'contrastive temperature τ' },
  { key: 'lr', testId: 'slider-lr', label: 'learning rate', name: 'learning rate', log: true },
];

const LR_LOG_RANGE = { min: -5, max: 1, step: 0.05 };

function HyperSlider({
  spec,
  value,
  onChange,
  disabled,
}: {
  spec: SliderSpec;
  value: number;
  onChange: (v: number) => void;
  disabled: boolean;
}) {
  const range = spec.log ? LR_LOG_RANGE : HYPER_RANGES[spec.key];
  const position = spec.log ? Math.log10(value) : value;
  const text = spec.log ? value.toExponential(1) : value.toFixed(2);
  return (
    <label className="slider">
      <span>
        {spec.label} <output>{text}</output>
      </span>
      <input
        type="range"
        aria-label={spec.name}
        // The learning rate's slider moves in log10 units: without this it would announce "-3".
        aria-valuetext={text}
        data-testid={spec.testId}
        data-value={value}
        min={range.min}
        max={range.max}
        step={range.step}
        value={position}
        disabled={disabled}
        onChange={(event) => {
          const raw = Number(event.currentTarget.value);
          onChange(spec.log ? Number((10 ** raw).toPrecision(3)) : raw);
        }}
      />
    </label>
  );
}

export function TrainingControls({ run, actions }: { run: RunView | null; actions: TrainingActions }) {
  const training = run?.status === 'training';
  return (
    <section className="panel controls" aria-label="Training controls">
      <div className="buttons">
        <button data-testid="train-start" disabled={!run || training} onClick={actions.start}>
          {run && run.step > 0 ? 'Resume' : 'Train'}
        </button>
        <button data-testid="train-pause" disabled={!training} onClick={actions.pause}>
          Pause
        </button>
        <button data-testid="train-step" disabled={!run || training} onClick={actions.step}>
          One step
        </button>
      </div>
      {SLIDERS.map((spec) => (
        <HyperSlider
          key={spec.key}
          spec={spec}
          value={run?.hyper[spec.key] ?? 0}
          disabled={!run}
          onChange={(value) => actions.setHyper({ [spec.key]: value })}
        />
      ))}
    </section>
  );
}
