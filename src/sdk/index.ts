/** Kassa's client SDK: callback signature verification for merchant servers. */
export {
  verifyCoinsPaidSignature,
  verifyCryptoCloudToken,
  verifyCryptopaySignature,
  verifyNativeWebhook,
} from './verify.js';
