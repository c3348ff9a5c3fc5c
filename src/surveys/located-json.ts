/** A 1-based line and column in a text. The column counts UTF-16 code units, like JavaScript string indexes. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A property that appears twice in one object. The later value is kept, as JSON.parse does. */
export interface DuplicateProperty {
  path: (string | number)[];
  position: SourcePosition;
  firstPosition: SourcePosition;
}

/** JSON text parsed into a value, with the place in the text where each property and array item starts. */
export interface LocatedJson {
  value: unknown;
  duplicateProperties: DuplicateProperty[];
  /** Returns where the property (its name) or array item at `path` starts, or undefined if the text has none there. */
  positionOf(path: readonly PropertyKey[]): SourcePosition | undefined;
}

/** Error for text that is not valid JSON. The message names what was found and how to fix it. */
export class JsonSyntaxError extends Error {
  readonly position: SourcePosition;

  constructor(message: string, position: SourcePosition) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.position = position;
  }
}

// Survey files nest four levels deep. The limit keeps a malformed file from exhausting the stack.
const MAX_DEPTH = 100;
const NUMBER_PATTERN = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WORD_PATTERN = /[A-Za-z_$][\w$]*/y;
const VALUE_HINT = 'Expected a value: a string in double quotes, a number, true, false, null, an object or an array.';

/**
 * Parses JSON text (RFC 8259) like JSON.parse, and also records where each value sits,
 * so problems can name a line and column. Node 20's JSON.parse gives no position for
 * some syntax errors, such as an unexpected "}".
 *
 * @throws JsonSyntaxError at the first syntax error.
 */
export function parseLocatedJson(text: string): LocatedJson {
  return new LocatingParser(text).parse();
}

function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(path.map((segment) => (typeof segment === 'number' ? segment : String(segment))));
}

function describeCharacter(character: string | undefined): string {
  return character === undefined ? 'the end of the file' : JSON.stringify(character);
}

class LocatingParser {
  readonly #text: string;
  readonly #lineStarts: number[] = [0];
  readonly #offsets = new Map<string, number>();
  readonly #duplicates: DuplicateProperty[] = [];
  #index = 0;

  constructor(text: string) {
    this.#text = text;
    for (let index = 0; index < text.length; index++) {
      const character = text[index];
      const isLineBreak = character === '\n' || (character === '\r' && text[index + 1] !== '\n');
      if (isLineBreak) this.#lineStarts.push(index + 1);
    }
  }

  parse(): LocatedJson {
    this.#skipWhitespace();
    if (this.#index >= this.#text.length) {
      throw this.#error('the file is empty or contains only whitespace. Write the survey as a JSON object { ... }.');
    }

    this.#offsets.set(pathKey([]), this.#index);
    const value = this.#parseValue([], 0);

    this.#skipWhitespace();
    if (this.#index < this.#text.length) {
      throw this.#error(
        `unexpected ${describeCharacter(this.#peek())} after the end of the JSON value. Remove it, or check for an extra "}" or "]" before it.`,
      );
    }

    return {
      value,
      duplicateProperties: this.#duplicates,
      positionOf: (path) => {
        const offset = this.#offsets.get(pathKey(path));
        return offset === undefined ? undefined : this.#positionAt(offset);
      },
    };
  }

  #parseValue(path: (string | number)[], depth: number): unknown {
    if (depth > MAX_DEPTH) throw this.#error(`the JSON nests deeper than ${MAX_DEPTH} levels. A survey file needs only a few.`);

    const character = this.#peek();
    switch (character) {
      case '{':
        return this.#parseObject(path, depth);
      case '[':
        return this.#parseArray(path, depth);
      case '"':
        return this.#parseString();
      case undefined:
        throw this.#error(`unexpected end of the file. ${VALUE_HINT} Check for a missing "}" or "]".`);
      case "'":
        throw this.#error('strings must be in double quotes, not single quotes.');
      case '/':
        throw this.#error('JSON does not allow comments. Remove the comment.');
      case '}':
      case ']':
      case ',':
        throw this.#error(`unexpected ${describeCharacter(character)}. ${VALUE_HINT}`);
    }

    if (character === '-' || (character >= '0' && character <= '9')) return this.#parseNumber();
    return this.#parseWord();
  }

  #parseObject(path: (string | number)[], depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const firstOffsetByKey = new Map<string, number>();
    this.#index++;
    this.#skipWhitespace();
    if (this.#peek() === '}') {
      this.#index++;
      return object;
    }

    for (;;) {
      this.#skipWhitespace();
      const keyOffset = this.#index;
      const key = this.#parsePropertyName();
      const memberPath = [...path, key];

      const firstOffset = firstOffsetByKey.get(key);
      if (firstOffset === undefined) {
        firstOffsetByKey.set(key, keyOffset);
      } else {
        this.#duplicates.push({ path: memberPath, position: this.#positionAt(keyOffset), firstPosition: this.#positionAt(firstOffset) });
      }
      this.#offsets.set(pathKey(memberPath), keyOffset);

      this.#skipWhitespace();
      if (this.#peek() !== ':') {
        throw this.#error(`expected ":" after the property name ${JSON.stringify(key)}, got ${describeCharacter(this.#peek())}.`);
      }
      this.#index++;
      this.#skipWhitespace();

      // defineProperty, because assigning "__proto__" would change the prototype instead of adding a property.
      Object.defineProperty(object, key, {
        value: this.#parseValue(memberPath, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });

      this.#skipWhitespace();
      const separator = this.#peek();
      if (separator === '}') {
        this.#index++;
        return object;
      }
      if (separator !== ',') {
        throw this.#error(
          `expected "," or "}" after the value of ${JSON.stringify(key)}, got ${describeCharacter(separator)}. Separate properties with commas.`,
        );
      }
      this.#rejectTrailingComma('}');
    }
  }

  #parsePropertyName(): string {
    const character = this.#peek();
    if (character === '"') return this.#parseString();
    if (character === "'") throw this.#error('property names must be in double quotes, not single quotes.');
    if (character === '/') throw this.#error('JSON does not allow comments. Remove the comment.');

    WORD_PATTERN.lastIndex = this.#index;
    const word = WORD_PATTERN.exec(this.#text);
    if (word !== null) throw this.#error(`property names must be in double quotes: write "${word[0]}", not ${word[0]}.`);
    throw this.#error(`expected a property name in double quotes, got ${describeCharacter(character)}.`);
  }

  #parseArray(path: (string | number)[], depth: number): unknown[] {
    const array: unknown[] = [];
    this.#index++;
    this.#skipWhitespace();
    if (this.#peek() === ']') {
      this.#index++;
      return array;
    }

    for (;;) {
      this.#skipWhitespace();
      const itemPath = [...path, array.length];
      this.#offsets.set(pathKey(itemPath), this.#index);
      array.push(this.#parseValue(itemPath, depth + 1));

      this.#skipWhitespace();
      const separator = this.#peek();
      if (separator === ']') {
        this.#index++;
        return array;
      }
      if (separator !== ',') {
        throw this.#error(`expected "," or "]" after an array item, got ${describeCharacter(separator)}. Separate items with commas.`);
      }
      this.#rejectTrailingComma(']');
    }
  }

  /** Consumes a "," and rejects it when `closer` follows, which JSON does not allow. */
  #rejectTrailingComma(closer: '}' | ']'): void {
    const commaOffset = this.#index;
    this.#index++;
    this.#skipWhitespace();

    if (this.#peek() === closer) {
      this.#index = commaOffset;
      throw this.#error(`unexpected "," before "${closer}". JSON does not allow a comma after the last item, so remove it.`);
    }
  }

  #parseString(): string {
    const start = this.#index;
    this.#index++;

    for (;;) {
      const character = this.#peek();
      if (character === undefined) {
        this.#index = start;
        throw this.#error('this string is not closed. Add the closing double quote.');
      }
      if (character === '"') break;

      if (character === '\\') {
        this.#skipEscape();
      } else if (character < ' ') {
        const name = character === '\n' || character === '\r' ? 'a line break' : 'a control character';
        throw this.#error(`${name} inside a string. Close the string with a double quote, or write \\n for a line break.`);
      } else {
        this.#index++;
      }
    }

    this.#index++;
    // The scan above accepted only valid JSON string syntax, so JSON.parse cannot fail here.
    return JSON.parse(this.#text.slice(start, this.#index)) as string;
  }

  #skipEscape(): void {
    const escaped = this.#text[this.#index + 1];
    if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
      this.#index += 2;
      return;
    }
    if (escaped === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.#text.slice(this.#index + 2, this.#index + 6))) {
      this.#index += 6;
      return;
    }
    throw this.#error(
      `invalid escape "\\${escaped ?? ''}" in a string. Use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\u followed by 4 hex digits.`,
    );
  }

  #parseNumber(): number {
    NUMBER_PATTERN.lastIndex = this.#index;
    const match = NUMBER_PATTERN.exec(this.#text);
    const next = match === null ? this.#peek() : this.#text[this.#index + match[0].length];

    if (match === null || (next !== undefined && /[0-9.eE+\-A-Za-z]/.test(next))) {
      const token = /^[^\s,\]}]*/.exec(this.#text.slice(this.#index))![0];
      throw this.#error(`invalid number ${JSON.stringify(token)}. Write numbers like 3, -2, 0.5 or 1e3, without leading zeros or a trailing ".".`);
    }

    this.#index += match[0].length;
    return Number(match[0]);
  }

  #parseWord(): boolean | null {
    WORD_PATTERN.lastIndex = this.#index;
    const word = WORD_PATTERN.exec(this.#text)?.[0];

    if (word === 'true' || word === 'false' || word === 'null') {
      this.#index += word.length;
      return word === 'null' ? null : word === 'true';
    }
    if (word !== undefined) throw this.#error(`unexpected word ${word}. Put text in double quotes: "${word}".`);
    throw this.#error(`unexpected ${describeCharacter(this.#peek())}. ${VALUE_HINT}`);
  }

  #skipWhitespace(): void {
    while (this.#index < this.#text.length) {
      const character = this.#text[this.#index];
      if (character !== ' ' && character !== '\t' && character !== '\n' && character !== '\r') return;
      this.#index++;
    }
  }

  #peek(): string | undefined {
    return this.#text[this.#index];
  }

  #positionAt(offset: number): SourcePosition {
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.#lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.#lineStarts[low]! + 1 };
  }

  #error(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.#positionAt(this.#index));
  }
}
