// What one check answers: whether it passed, and in plain words what it found.
export interface CheckOutcome {
  ok: boolean;
  message: string;
}

export const pass = (message: string): CheckOutcome => ({ ok: true, message });
export const fail = (message: string): CheckOutcome => ({ ok: false, message });
