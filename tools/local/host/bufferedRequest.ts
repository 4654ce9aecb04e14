// The request object the local host hands @azure/functions' HttpRequest (its `nativeRequest`
// init, the same slot the library fills with an undici Request in stream mode). The host has
// already read the whole body, and reading it back through undici's web streams costs ~100 µs
// per request; this reads the buffered bytes directly and defers anything else to a real
// Request, created on first use.

const BOM = [0xef, 0xbb, 0xbf];

function hasBom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}

export class BufferedNativeRequest {
  readonly headers: Headers;
  private real?: Request;
  private used = false;

  constructor(
    readonly url: string,
    readonly method: string,
    headers: Record<string, string>,
    /** Undefined for GET and HEAD, whose bodies a Request cannot carry. */
    private readonly bytes: Buffer | undefined,
  ) {
    this.headers = new Headers(headers);
  }

  private request(): Request {
    this.real ??= new Request(this.url, { method: this.method, headers: this.headers, body: this.used ? undefined : this.bytes });
    return this.real;
  }

  private take(): Buffer {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.bytes ?? Buffer.alloc(0);
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.bytes === undefined && !this.real ? null : this.request().body;
  }

  get bodyUsed(): boolean {
    return this.real ? this.real.bodyUsed : this.used;
  }

  async text(): Promise<string> {
    if (this.real) return this.real.text();
    const bytes = this.take();
    // As fetch's text(): UTF-8, a leading byte order mark dropped.
    return (hasBom(bytes) ? bytes.subarray(3) : bytes).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.real) return this.real.arrayBuffer();
    const bytes = this.take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  blob(): Promise<Blob> {
    return this.request().blob();
  }

  formData(): Promise<FormData> {
    return this.request().formData();
  }

  clone(): Request {
    return this.request().clone();
  }
}
