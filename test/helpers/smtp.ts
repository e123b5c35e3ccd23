import net from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The DATA section as the client sent it (headers, blank line, body). */
  data: string;
}

export interface SmtpSink {
  port: number;
  messages: ReceivedMail[];
  /** When set, MAIL FROM is refused with this reply (e.g. `550 no relay`). */
  refuseWith: string | null;
  close(): Promise<void>;
}

/**
 * A minimal SMTP server for tests (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
 * QUIT; no TLS, no AUTH). It keeps what it received, so a test checks what really went out.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { port: 0, messages: [], refuseWith: null, close: async () => undefined };
  const server = net.createServer((socket) => {
    let buffer = '';
    let current: ReceivedMail | null = null;
    let inData = false;
    let dataLines: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink ESMTP ready');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            sink.messages.push({ ...current!, data: dataLines.join('\r\n') });
            current = null;
            reply(`250 OK queued as ${sink.messages.length}`);
          } else dataLines.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          reply('250-sink');
          reply('250 8BITMIME');
        } else if (verb === 'HELO') reply('250 sink');
        else if (verb === 'MAIL') {
          if (sink.refuseWith) reply(sink.refuseWith);
          else {
            current = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [], data: '' };
            reply('250 OK');
          }
        } else if (verb === 'RCPT') {
          current?.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 OK');
        } else if (verb === 'DATA') {
          inData = true;
          dataLines = [];
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 OK');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 not implemented');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.address() as net.AddressInfo).port;
  sink.close = () => new Promise((resolve) => server.close(() => resolve()));
  return sink;
}
