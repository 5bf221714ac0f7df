/** The link an invitation's recipient opens; the inviter sends it (Datakrav sends no e-mail). */
export function invitationUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/invitations/${token}`;
}
