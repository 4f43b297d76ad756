// Types for certs.mjs, so the TypeScript suites can import it.
export interface TestCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}
export interface CertificateRequest {
  commonName?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  caName?: string;
  days?: number;
}
export declare function makeCertificates(request?: CertificateRequest): TestCertificates;
