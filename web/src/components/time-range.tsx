import { useEffect, useRef, useState } from 'preact/hooks';
import { PRESETS, timeError, type TimeRange } from '../search';

let ids = 0;

/** A typed time bound (`-2h`, `@d`, `-7d@d`, `now`, ISO): applied on change or Enter when it reads as a time. */
function TimeInput({ id, label, value, placeholder, onApply }: { id: string; label: string; value: string; placeholder: string; onApply: (value: string) => void }) {
  const [draft, setDraft] = useState(value);
  // Enter and the change event that follows it apply the same draft once.
  const applied = useRef(value);
  useEffect(() => {
    setDraft(value);
    applied.current = value;
  }, [value]);
  const error = timeError(draft);
  /** Applies the draft; true when it changed the range (the change runs the search: no form submit then). */
  const apply = (): boolean => {
    if (error !== undefined || draft.trim() === applied.current) return false;
    applied.current = draft.trim();
    onApply(draft.trim());
    return true;
  };
  return (
    <>
      <label for={id}>{label}</label>
      <input
        id={id}
        class="time-input"
        type="text"
        size={12}
        spellcheck={false}
        autocomplete="off"
        placeholder={placeholder}
        value={draft}
        aria-invalid={error !== undefined}
        aria-describedby={error === undefined ? undefined : `${id}-error`}
        title="now, -2h, @d, -7d@d, an ISO date or epoch seconds"
        onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        onChange={() => void apply()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (apply() || error !== undefined)) e.preventDefault();
          if (e.key === 'Escape') setDraft(value);
        }}
      />
      {error === undefined ? null : (
        <span id={`${id}-error`} class="time-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/**
 * Presets beside typed times: the preset menu sets Splunk relative times, the Earliest/Latest boxes
 * take any time modifier the SIEM reads (`-2h`, `@d`, `-7d@d`, `now`, ISO dates, epoch seconds).
 */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  const [id] = useState(() => `tr-${++ids}`);
  const earliest = value.earliest ?? '';
  const latest = value.latest ?? '';
  const preset = PRESETS.find((p) => p.earliest === earliest && (latest === '' || latest === 'now'));
  return (
    <span class="time-range">
      <label for={id}>Time range</label>
      <select
        id={id}
        value={preset === undefined ? 'custom' : preset.earliest}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          if (v !== 'custom') onChange({ earliest: v, latest: '' });
        }}
      >
        {PRESETS.map((p) => (
          <option key={p.label} value={p.earliest}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom (typed below)</option>
      </select>
      <TimeInput id={`${id}-earliest`} label="Earliest" value={earliest} placeholder="all time" onApply={(v) => onChange({ earliest: v, latest })} />
      <TimeInput id={`${id}-latest`} label="Latest" value={latest} placeholder="now" onApply={(v) => onChange({ earliest, latest: v })} />
    </span>
  );
}
