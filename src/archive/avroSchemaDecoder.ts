// Decodes Avro binary data by the writer's schema, so files written with any variant of the
// Capture schema (older ones lack `null` in Properties) are read by the schema they carry.
import { AvroReader, AvroDecodeError } from './avroBinary';

/** A decoded Avro value. Unions are unwrapped; longs beyond 2^53 come back as bigint. */
export type AvroValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | AvroValue[]
  | { [key: string]: AvroValue };

export type AvroSchema = string | AvroSchema[] | { type: AvroSchema; [key: string]: unknown };

type Decode = (r: AvroReader) => AvroValue;

const PRIMITIVES: Record<string, Decode> = {
  null: () => null,
  boolean: (r) => r.readBoolean(),
  int: (r) => r.readInt(),
  long: (r) => r.readLongOrBig(),
  float: (r) => r.readFloat(),
  double: (r) => r.readDouble(),
  bytes: (r) => r.readBytes(),
  string: (r) => r.readString(),
};

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/** Compiles a schema into a decoder function. Throws on schemas it does not understand. */
export function compileDecoder(schema: AvroSchema): Decode {
  const named = new Map<string, Decode>();

  function compile(s: AvroSchema, namespace: string | undefined): Decode {
    if (typeof s === 'string') {
      const primitive = PRIMITIVES[s];
      if (primitive) return primitive;
      const ref = fullName(s, namespace);
      // Named types may be referenced before their decoder is complete (recursive records).
      return (r) => {
        const d = named.get(ref) ?? named.get(s);
        if (!d) throw new AvroDecodeError(`Unknown Avro type "${s}"`);
        return d(r);
      };
    }
    if (Array.isArray(s)) {
      const branches = s.map((b) => compile(b, namespace));
      return (r) => {
        const index = r.readLong('union index');
        const branch = branches[index];
        if (!branch) throw new AvroDecodeError(`Avro union index ${index} out of range at position ${r.pos}`);
        return branch(r);
      };
    }
    if (typeof s !== 'object' || s === null) throw new AvroDecodeError(`Invalid Avro schema: ${JSON.stringify(s)}`);
    const type = s.type;
    if (typeof type !== 'string') return compile(type, namespace);
    const ns = typeof s.namespace === 'string' ? s.namespace : namespace;
    switch (type) {
      case 'record':
      case 'error': {
        const name = fullName(String(s.name), ns);
        const fields = (s.fields as { name: string; type: AvroSchema }[] | undefined) ?? [];
        const innerNs = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ns;
        let decoders: { name: string; decode: Decode }[] = [];
        const decode: Decode = (r) => {
          const out: { [key: string]: AvroValue } = {};
          for (const f of decoders) out[f.name] = f.decode(r);
          return out;
        };
        named.set(name, decode);
        decoders = fields.map((f) => ({ name: f.name, decode: compile(f.type, innerNs) }));
        return decode;
      }
      case 'enum': {
        const symbols = s.symbols as string[];
        const decode: Decode = (r) => {
          const i = r.readInt();
          if (i < 0 || i >= symbols.length) throw new AvroDecodeError(`Avro enum index ${i} out of range`);
          return symbols[i];
        };
        named.set(fullName(String(s.name), ns), decode);
        return decode;
      }
      case 'fixed': {
        const size = Number(s.size);
        const decode: Decode = (r) => Buffer.from(r.readFixed(size));
        named.set(fullName(String(s.name), ns), decode);
        return decode;
      }
      case 'array': {
        const item = compile(s.items as AvroSchema, ns);
        return (r) => {
          const out: AvroValue[] = [];
          r.readBlocks(() => out.push(item(r)));
          return out;
        };
      }
      case 'map': {
        const value = compile(s.values as AvroSchema, ns);
        return (r) => {
          const out: { [key: string]: AvroValue } = {};
          r.readBlocks(() => {
            const key = r.readString();
            out[key] = value(r);
          });
          return out;
        };
      }
      default:
        // A primitive written in object form, e.g. {"type": "long", "logicalType": "timestamp-millis"}.
        return compile(type, ns);
    }
  }

  return compile(schema, undefined);
}
