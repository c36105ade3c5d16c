import { useEffect, useState } from 'react';

/** Typing pauses this long before the list is asked again. */
export const SEARCH_DEBOUNCE_MS = 300;

/** The list's search box: `q=` follows the text once typing pauses. */
export function ConversationSearch({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  // The URL changed under us (back button, a cleared filter): show what it says.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  useEffect(() => {
    if (text.trim() === value) return undefined;
    const timer = setTimeout(() => onSearch(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <input
      type="search"
      className="search"
      aria-label="Search conversations"
      placeholder="Search name or message…"
      value={text}
      onChange={(event) => setText(event.target.value)}
    />
  );
}
