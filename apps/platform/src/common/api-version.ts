/** The RestComm API version every resource reports as `api_version` and in its URIs. */
export const RESTCOMM_API_VERSION = '2012-04-24';
