/**
 * A QR code of `text` as an SVG document (the app shows an `otpauth://` address with it). The
 * encoder (`qrcode`) loads on first use: a host that never turns two-factor on never loads it.
 */
export async function qrCodeSvg(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}
