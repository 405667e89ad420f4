/**
 * The value encoder's memory of object shapes: a trie of key sequences (bounded in nodes and keys per shape) that
 * says which shape an object has, the last shape found (objects in a row usually share one), and writers compiled
 * per shape (bounded per encoder) that read an object's fields through monomorphic property loads.
 */
import { CompiledShapes } from './compile.js';
import { MAX_SHAPE_KEYS, MAX_SHAPE_NODES } from './value-tags.js';
import type { ValueEncoder } from './value-encoder.js';

/** Writes an object's values in its shape's key order. */
export type ShapeWriter = (e: ValueEncoder, o: Record<string, unknown>) => void;

/** A node in the trie of key sequences; `generation` says whether it has an index in the current packet. */
export interface ShapeNode {
  readonly children: Map<string, ShapeNode>;
  /** The key sequence from the root to here, kept so encoding an object allocates no key array. */
  readonly keys: readonly string[];
  generation: number;
  index: number;
  /** The definition's bytes (key count and keys) once written, copied instead of re-encoding the keys. */
  definition: Uint8Array | undefined;
  /** Objects of this shape written so far; the second one gets a compiled writer. */
  uses: number;
  writer: ShapeWriter | undefined;
}

function newShapeNode(keys: readonly string[]): ShapeNode {
  return { children: new Map(), keys, generation: 0, index: 0, definition: undefined, uses: 0, writer: undefined };
}

/** Compiled writers per encoder: enough for any game's message types, bounded against hostile key lists. */
const MAX_COMPILED_WRITERS = 512;

/**
 * Constant-key property loads (`o["x"]`) for a shape, so V8 reads each field through a monomorphic inline cache
 * instead of a keyed lookup per value. Keys go in as JSON string literals, valid JS string literals.
 */
export function compiledWriters(): CompiledShapes<ShapeWriter> {
  return new CompiledShapes<ShapeWriter>(MAX_COMPILED_WRITERS, (keys) => {
    if (keys.includes('__proto__')) return undefined;
    return { params: ['e', 'o'], body: keys.map((k) => `e.next(o[${JSON.stringify(k)}]);`).join('\n') };
  });
}

/** The shapes one encoder has seen. */
export class ShapeTrie {
  private readonly root = newShapeNode([]);
  /** The shape of the last object looked up (any packet); starts as the empty shape. */
  private last: ShapeNode = this.root;
  private nodes = 0;

  /** The node for `o`'s key sequence, made if new; undefined past the trie's caps (a one-off shape). */
  shapeOf(o: Record<string, unknown>): ShapeNode | undefined {
    // Compare keys with the last shape first: pointer comparisons of interned strings instead of a trie lookup
    // per key.
    const last = this.last;
    let i = 0;
    let same = true;
    for (const key in o) {
      if (key !== last.keys[i++]) {
        same = false;
        break;
      }
    }
    if (same && i === last.keys.length) return last;

    // Walk the trie with for-in (no key array allocated); the node keeps its keys for the values.
    let node: ShapeNode = this.root;
    for (const key in o) {
      let child: ShapeNode | undefined = node.children.get(key);
      if (child === undefined) {
        if (this.nodes >= MAX_SHAPE_NODES || node.keys.length >= MAX_SHAPE_KEYS) return undefined;
        child = newShapeNode([...node.keys, key]);
        node.children.set(key, child);
        this.nodes++;
      }
      node = child;
    }
    this.last = node;
    return node;
  }
}
