/** The JSON body of every error response from Twilio's REST API. */
export interface TwilioErrorBody {
  /** Twilio's error code, documented at `more_info`. */
  code: number;
  message: string;
  more_info: string;
  /** The HTTP status, repeated in the body. */
  status: number;
}

/**
 * An error the fake API returns as Twilio's JSON error body. Handlers throw it,
 * and the app's error handler turns it into the response.
 */
export class TwilioApiError extends Error {
  readonly status: number;
  readonly code: number;

  constructor(status: number, code: number, message: string) {
    super(message);
    this.name = 'TwilioApiError';
    this.status = status;
    this.code = code;
  }

  toBody(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

/** 401 for missing or wrong credentials; Twilio's message for code 20003 is this one word. */
export function authenticationError(): TwilioApiError {
  return new TwilioApiError(401, 20003, 'Authenticate');
}

export function resourceNotFoundError(path: string): TwilioApiError {
  return new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);
}

export function tooManyRequestsError(): TwilioApiError {
  return new TwilioApiError(429, 20429, 'Too Many Requests');
}

export function internalServerError(): TwilioApiError {
  return new TwilioApiError(500, 20500, 'Internal Server Error');
}
