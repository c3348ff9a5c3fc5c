import { internalServerError, tooManyRequestsError, TwilioApiError } from './twilio-api-error.ts';

/** An error every create request gets while it is set, as `FakeTwilio.rejectCreates` takes it. */
export interface CreateRejection {
  /** Twilio's error code, such as 21610. */
  code: number;
  /** HTTP status; defaults to 400. */
  status?: number;
  message?: string;
}

/** The failures a test has asked the fake API to inject, consumed by the app's requests. */
export class FaultInjection {
  /** Extra time before every request is processed, in milliseconds. */
  responseDelayMs = 0;
  /** Extra time after a request was processed and before its response, in milliseconds. */
  delayAfterProcessingMs = 0;
  readonly #nextFailures: Array<429 | 500> = [];
  #createRejection: CreateRejection | undefined;

  /** Makes the next `count` API requests fail with `status`, after any failures already queued. */
  failNext(count: number, status: 429 | 500): void {
    for (let i = 0; i < count; i++) this.#nextFailures.push(status);
  }

  /** Returns the error the current request must fail with, if a failure is queued, and consumes it. */
  takeFailure(): TwilioApiError | undefined {
    const status = this.#nextFailures.shift();
    if (status === undefined) return undefined;
    return status === 429 ? tooManyRequestsError() : internalServerError();
  }

  rejectCreates(rejection: CreateRejection | undefined): void {
    this.#createRejection = rejection;
  }

  createRejection(): TwilioApiError | undefined {
    if (this.#createRejection === undefined) return undefined;
    const { code, status = 400, message = `Error ${code}, set by rejectCreates() on the fake Twilio API.` } = this.#createRejection;
    return new TwilioApiError(status, code, message);
  }
}
