import { randomUUID } from 'node:crypto';

/**
 * STS GetCallerIdentity in the AWS Query protocol (form POST, XML answer), so the identity pre-flight
 * a rehearsal runs with @aws-sdk/client-sts works against the emulator unchanged.
 */
export function isStsRequest(contentType: string | undefined, body: string): boolean {
  return (contentType ?? '').startsWith('application/x-www-form-urlencoded') && /(^|&)Action=/.test(body);
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function stsResponse(
  body: string,
  accountId: string,
): { status: number; xml: string; requestId: string } {
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  const requestId = randomUUID();
  if (action !== 'GetCallerIdentity') {
    const xml =
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
      `<Code>InvalidAction</Code><Message>${xmlEscape(`Could not find operation ${action ?? ''} for version 2011-06-15`)}</Message>` +
      `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: 400, xml, requestId };
  }
  const xml =
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
    `<GetCallerIdentityResult>` +
    `<Arn>arn:aws:iam::${accountId}:user/keyrite-emulator</Arn>` +
    `<UserId>AIDAKEYRITEEMULATOR01</UserId>` +
    `<Account>${accountId}</Account>` +
    `</GetCallerIdentityResult>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</GetCallerIdentityResponse>`;
  return { status: 200, xml, requestId };
}
