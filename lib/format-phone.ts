/**
 * "+13125550142" -> "(312) 555-0142": North American numbers in the national form staff dial
 * and read aloud, on every screen alike; any other number as stored (E.164).
 */
export function formatPhone(phone: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phone);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : phone;
}
