export const TSRUN_VERSION = '0.1.0';
/** The runtime spec version tsrun implements. */
export const OCI_VERSION = '1.3.0';
