/** Moved to common/ so resources (accounts/) can answer in Twilio's shape without importing a facade. */
export { TwilioExceptionFilter } from '../../common/twilio-exception.filter';
