// Sealing for chart writers: the vault's OpenSSL implementation of the pinned sealed-box format (one wrap per reader
// per version, so it is what keeps writes and bulk imports quick). Kept as a name here so records code does not
// reach into the vault for anything but this.
export { sealToWithOpenSsl } from '../vault/node-sealed-box';
