/**
 * Text from the user (scenario names, keys, paths, threshold expressions, lines of a file) on its
 * way to a terminal or a CI log: control characters are shown, never obeyed. An ESC can clear the
 * screen or rewrite a line, an OSC can retitle the window or plant a link, a CR or a line break
 * can forge a line such as "all thresholds hold", and bidirectional overrides reorder what is read.
 */

/** C0 controls but tab, DEL, C1 controls, the Unicode line and paragraph separators, bidi controls. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of user text, every control character (line breaks too) written as an escape. */
export function safeLine(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * Output the program composed (its own line breaks kept): any other control character that user
 * text carried into it is written as an escape. The last line of defence at the terminal.
 */
export function safeOutput(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escape);
}

/** Whether a line holds control characters (binary data, or an attempt to drive the terminal). */
export function hasControls(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}
