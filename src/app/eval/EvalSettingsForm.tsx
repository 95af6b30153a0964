// The evaluation settings: subset sizes, automatic evaluation every N steps, synthetic OOD images.
// Number fields commit on blur or Enter, so typing "1000" does not send 1, 10, 100 on the way.

import { useState } from 'react';
import { EVAL_LIMITS, type EvalSettings } from '../../eval/evalTypes';

type NumericKey = 'trainSubset' | 'testSubset' | 'oodSubset' | 'autoEvery';

const FIELDS: readonly { key: NumericKey; testId: string; label: string }[] = [
  { key: 'trainSubset', testId: 'eval-train-size', label: 'train images' },
  { key: 'testSubset', testId: 'eval-test-size', label: 'test images' },
  { key: 'oodSubset', testId: 'eval-ood-size', label: 'OOD images' },
  { key: 'autoEvery', testId: 'eval-auto-every', label: 'every N steps (0 = off)' },
];

function NumberSetting({
  value,
  min,
  max,
  testId,
  label,
  onCommit,
}: {
  value: number;
  min: number;
  max: number;
  testId: string;
  label: string;
  onCommit: (v: number) => void;
}) {
  const [text, setText] = useState(String(value));
  // The worker echoes the clamped value; show it (state adjusted while rendering, not in an effect).
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(String(value));
  }
  const commit = () => {
    const parsed = Number(text);
    if (Number.isFinite(parsed) && parsed !== value) onCommit(parsed);
    else setText(String(value));
  };
  return (
    <label className="eval-setting">
      {label}
      <input
        type="number"
        data-testid={testId}
        min={min}
        max={max}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </label>
  );
}

export function EvalSettingsForm({ settings, onChange }: { settings: EvalSettings; onChange: (patch: Partial<EvalSettings>) => void }) {
  return (
    <div className="eval-settings">
      {FIELDS.map(({ key, testId, label }) => (
        <NumberSetting
          key={key}
          value={settings[key]}
          min={EVAL_LIMITS[key].min}
          max={EVAL_LIMITS[key].max}
          testId={testId}
          label={label}
          onCommit={(v) => onChange({ [key]: v })}
        />
      ))}
      <label className="eval-setting checkbox">
        <input
          type="checkbox"
          data-testid="eval-synthetic"
          checked={settings.includeSynthetic}
          onChange={(e) => onChange({ includeSynthetic: e.currentTarget.checked })}
        />
        add noise and constant images to the OOD set
      </label>
    </div>
  );
}
