/** The RestComm API version every resource reports as `api_version` and in its URIs. */
export const RESTCOMM_API_VERSION = '2012-04-24';

/** Twilio's API version: the `/2010-04-01` routes and the calls created through them. */
export const TWILIO_API_VERSION = '2010-04-01';
