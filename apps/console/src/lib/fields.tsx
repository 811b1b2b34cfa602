/** The form controls the views repeat: a labelled checkbox, a labelled select, a labelled text input. */

export function Check(props: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  testid: string;
}) {
  return (
    <label>
      <input
        type="checkbox"
        checked={props.checked}
        data-testid={props.testid}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />{' '}
      {props.label}
    </label>
  );
}

export function Choice<V extends string>(props: {
  label: string;
  value: V;
  options: ReadonlyArray<{ value: V; label: string }>;
  onChange: (value: V) => void;
  testid: string;
}) {
  return (
    <label>
      {props.label}{' '}
      <select
        value={props.value}
        data-testid={props.testid}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as V)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  testid: string;
  autoComplete?: string;
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        required
        value={props.value}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        data-testid={props.testid}
        autoComplete={props.autoComplete}
      />
    </>
  );
}
