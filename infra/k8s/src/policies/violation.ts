export interface Violation {
  policy: string;
  document: string;
  message: string;
}
