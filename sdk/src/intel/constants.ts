/** Fixed values of the Intel DCAP quote formats (docs/intel-quote.md). */

export const QUOTE_HEADER_LEN = 48;
export const SGX_REPORT_LEN = 384;
export const TD_REPORT10_LEN = 584;
export const TD_REPORT15_LEN = 648;
export const BODY_DESCRIPTOR_LEN = 6;

export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;

/** Attestation key type 2: ECDSA-256 with P-256 (the only one Intel's QE issues). */
export const ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;

export const BODY_TYPE_SGX = 1;
export const BODY_TYPE_TD10 = 2;
export const BODY_TYPE_TD15 = 3;

/** Certification data types (Intel DCAP ECDSA quote library API, appendix A). */
export const CERT_DATA_PCK_CHAIN = 5;
export const CERT_DATA_QE_REPORT = 6;

/** Intel's QE vendor ID 939A7233-F79C-4CA9-940A-0DB3957F0607. */
export const INTEL_QE_VENDOR_ID = Uint8Array.from([
  0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
]);

/** SGX extension OIDs in PCK certificates (Intel SGX PCK Certificate and CRL Profile). */
export const OID_SGX_EXTENSIONS = "1.2.840.113741.1.13.1";
export const OID_PPID = "1.2.840.113741.1.13.1.1";
export const OID_TCB = "1.2.840.113741.1.13.1.2";
export const OID_PCESVN = "1.2.840.113741.1.13.1.2.17";
export const OID_CPUSVN = "1.2.840.113741.1.13.1.2.18";
export const OID_PCEID = "1.2.840.113741.1.13.1.3";
export const OID_FMSPC = "1.2.840.113741.1.13.1.4";
export const OID_SGX_TYPE = "1.2.840.113741.1.13.1.5";
export const OID_PLATFORM_INSTANCE_ID = "1.2.840.113741.1.13.1.6";
export const OID_CONFIGURATION = "1.2.840.113741.1.13.1.7";
