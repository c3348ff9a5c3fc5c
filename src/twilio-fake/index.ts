export type { CreateRejection } from './fault-injection.ts';
export type { DeliveryFailure } from './message-dispatcher.ts';
export type { FakeMessage, MessageStatus } from './message-resource.ts';
export { countSegments, type SegmentCount, type SmsEncoding } from '../sms/segments.ts';
export type { StatusCallbackRecord } from './status-callbacks.ts';
export { type FakeTwilio, type FakeTwilioOptions, startFakeTwilio } from './start-fake-twilio.ts';
export { type TwilioErrorBody } from './twilio-api-error.ts';
