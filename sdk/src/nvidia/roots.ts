/**
 * NVIDIA's two trust anchors, pinned in the SDK (byte-identical to nvtrust's
 * guest_tools/gpu_verifiers/local_gpu_verifier/src/verifier/certs/, NVIDIA/nvtrust@02817309):
 * the device identity root every GPU attestation certificate chains to, and the root that signs
 * the reference integrity manifests (RIMs). A verifier compares against these; a root carried in
 * the evidence is never trusted. docs/nvidia-gpu.md.
 */
import { parseCertificates, type Certificate } from "../pki/x509.js";

/** CN=NVIDIA Device Identity CA, O=NVIDIA (P-384, valid 2021-11-05 to 9999-12-31). */
export const NVIDIA_DEVICE_IDENTITY_ROOT_PEM = `
-----BEGIN CERTIFICATE-----
MIICCzCCAZCgAwIBAgIQLTZwscoQBBHB/sDoKgZbVDAKBggqhkjOPQQDAzA1MSIw
IAYDVQQDDBlOVklESUEgRGV2aWNlIElkZW50aXR5IENBMQ8wDQYDVQQKDAZOVklE
SUEwIBcNMjExMTA1MDAwMDAwWhgPOTk5OTEyMzEyMzU5NTlaMDUxIjAgBgNVBAMM
GU5WSURJQSBEZXZpY2UgSWRlbnRpdHkgQ0ExDzANBgNVBAoMBk5WSURJQTB2MBAG
ByqGSM49AgEGBSuBBAAiA2IABA5MFKM7+KViZljbQSlgfky/RRnEQScW9NDZF8SX
gAW96r6u/Ve8ZggtcYpPi2BS4VFu6KfEIrhN6FcHG7WP05W+oM+hxj7nyA1r1jkB
2Ry70YfThX3Ba1zOryOP+MJ9vaNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
Af8EBAMCAQYwHQYDVR0OBBYEFFeF/4PyY8xlfWi3Olv0jUrL+0lfMB8GA1UdIwQY
MBaAFFeF/4PyY8xlfWi3Olv0jUrL+0lfMAoGCCqGSM49BAMDA2kAMGYCMQCPeFM3
TASsKQVaT+8S0sO9u97PVGCpE9d/I42IT7k3UUOLSR/qvJynVOD1vQKVXf0CMQC+
EY55WYoDBvs2wPAH1Gw4LbcwUN8QCff8bFmV4ZxjCRr4WXTLFHBKjbfneGSBWwA=
-----END CERTIFICATE-----
`;

/** CN=NVIDIA CoRIM signing Root CA, O=NVIDIA, C=US (P-384, valid 2023-03-16 to 2053-03-08). */
export const NVIDIA_RIM_ROOT_PEM = `
-----BEGIN CERTIFICATE-----
MIICKTCCAbCgAwIBAgIQRdrjoA5QN73fh1N17LXicDAKBggqhkjOPQQDAzBFMQsw
CQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxOVklESUEgQ29S
SU0gc2lnbmluZyBSb290IENBMCAXDTIzMDMxNjE1MzczNFoYDzIwNTMwMzA4MTUz
NzM0WjBFMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxO
VklESUEgQ29SSU0gc2lnbmluZyBSb290IENBMHYwEAYHKoZIzj0CAQYFK4EEACID
YgAEuECyi9vNM+Iw2lfUzyBldHAwaC1HF7TCgp12QcEyUTm3Tagxwr48d55+K2VI
lWYIDk7NlAIQdcV/Ff7euGLI+Qauj93HsSI4WX298PpW54RTgz9tC+Q684caR/BX
WEeZo2MwYTAdBgNVHQ4EFgQUpaXrOPK4ZDAk08DBskn594zeZjAwHwYDVR0jBBgw
FoAUpaXrOPK4ZDAk08DBskn594zeZjAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
Af8EBAMCAQYwCgYIKoZIzj0EAwMDZwAwZAIwHGDyscDP6ihHqRvZlI3eqZ4YkvjE
1duaN84tAHRVgxVMvNrp5Tnom3idHYGW/dskAjATvjIx6VzHm/4e2GiZAyZEIUBD
OKPzp5ei/A0iUZpdvngenDwV8Qa/wGdiTmJ7Bp4=
-----END CERTIFICATE-----
`;

/** The pinned roots a GPU verification uses; tests pin the simulator's instead. */
export type GpuTrustAnchors = { deviceRoot: Certificate; rimRoot: Certificate };

let pinned: GpuTrustAnchors | undefined;
export function pinnedGpuRoots(): GpuTrustAnchors {
  pinned ??= {
    deviceRoot: parseCertificates(NVIDIA_DEVICE_IDENTITY_ROOT_PEM, "pinned NVIDIA device identity root")[0]!,
    rimRoot: parseCertificates(NVIDIA_RIM_ROOT_PEM, "pinned NVIDIA RIM root")[0]!,
  };
  return pinned;
}
