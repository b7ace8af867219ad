// Strings a redactor keeps between calls (its memories of clean texts and of key decisions)
// must not keep alive the text they were cut from.

/**
 * `text` as a string of its own. V8 makes a slice of 13 characters or more a view into its
 * parent: a name read before a `=` in a MiB of logged text, kept in a set, would keep that MiB
 * alive. Joined to a character and sliced again, the copy's parent is the joined string
 * (flattened when sliced), one character longer than the text. Costs one copy, paid only when
 * a text is remembered.
 */
export function detachedString(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
