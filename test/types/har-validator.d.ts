// har-validator ships CommonJS without types; the promise API resolves with the data or rejects with the errors.
declare module 'har-validator' {
  export function har<T>(data: T): Promise<T>;
  export function request<T>(data: T): Promise<T>;
}
