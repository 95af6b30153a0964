// A labelled number; tests read the raw value from data-value, people read the formatted text.

interface ReadoutProps {
  testId: string;
  label: string;
  value: number | null;
  digits?: number;
}

export function Readout({ testId, label, value, digits = 3 }: ReadoutProps) {
  const text = value === null ? '–' : Number.isFinite(value) ? value.toFixed(digits) : String(value);
  return (
    <div className="readout">
      <span className="readout-label">{label}</span>
      <span className="readout-value" data-testid={testId} data-value={value ?? ''}>
        {text}
      </span>
    </div>
  );
}
