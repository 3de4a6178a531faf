/**
 * A Uint8Array over a plain ArrayBuffer, spelled so that every TypeScript from 5.0 reads it: 5.7 and later
 * call it `Uint8Array<ArrayBuffer>` (a bare `Uint8Array` may be shared memory, which the types of fetch and
 * WebCrypto refuse), older ones know no type argument. `slice()` always answers a copy over an ArrayBuffer.
 */
export type Bytes = ReturnType<Uint8Array['slice']>;
