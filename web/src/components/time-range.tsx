import { PRESETS, type TimeRange } from '../search';

let ids = 0;

/** Presets (relative SPL times) or an absolute range (ISO times, UTC from the browser's local input). */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  const id = `tr-${++ids}`;
  const preset = PRESETS.find((p) => p.earliest === (value.earliest ?? '') && (value.latest ?? '') === '');
  const mode = preset === undefined ? 'absolute' : preset.earliest;
  const local = (iso: string | undefined): string => {
    if (iso === undefined || iso === '' || Number.isNaN(Date.parse(iso))) return '';
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  };
  return (
    <span class="time-range">
      <label for={id}>Time range</label>
      <select
        id={id}
        value={mode}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          if (v === 'absolute') onChange({ earliest: new Date(Date.now() - 3600_000).toISOString(), latest: new Date().toISOString() });
          else onChange({ earliest: v, latest: '' });
        }}
      >
        {PRESETS.map((p) => (
          <option key={p.label} value={p.earliest}>
            {p.label}
          </option>
        ))}
        <option value="absolute">Absolute…</option>
      </select>
      {mode === 'absolute' ? (
        <>
          <label for={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="datetime-local" value={local(value.earliest)} onChange={(e) => onChange({ ...value, earliest: new Date((e.target as HTMLInputElement).value).toISOString() })} />
          <label for={`${id}-to`}>To</label>
          <input id={`${id}-to`} type="datetime-local" value={local(value.latest)} onChange={(e) => onChange({ ...value, latest: new Date((e.target as HTMLInputElement).value).toISOString() })} />
        </>
      ) : null}
    </span>
  );
}
