/**
 * The name-database conditions (IOLib's resolver-error tree, unknown-service,
 * unknown-protocol and unknown-interface), each carrying the `datum` that was looked up.
 * @module
 */
import { IolibError, SyscallError } from '../errors.js';
import { Address } from '../address/index.js';
import { show } from '../internal/validate.js';

/** @internal A looked-up datum as messages show it: a name quoted, an address as its text. */
export function shown(datum: unknown): string {
  return typeof datum === 'string' ? JSON.stringify(datum) : datum instanceof Address ? datum.toString() : show(datum);
}

/**
 * A failed host or address look-up (getaddrinfo / getnameinfo). `code` is the resolver's
 * EAI_* name ('EAI_NONAME', ...), `eai` its number and `datum` what was looked up.
 */
export class ResolverError extends IolibError {
  /** What was looked up: a host name, an address or the `[node, service]` pair. */
  readonly datum: unknown;
  /** The EAI_* name of the resolver's answer, as 'EAI_NONAME'. */
  readonly code: string;
  /** The platform's EAI_* number (0 when not known). */
  readonly eai: number;
  /** The errno name when the resolver answered EAI_SYSTEM, else undefined. */
  readonly systemCode: string | undefined;
  constructor(datum: unknown, code: string, eai = 0, message?: string, systemCode?: string) {
    super(message ?? `Host look-up of ${shown(datum)} failed: ${code}`);
    this.datum = datum;
    this.code = code;
    this.eai = eai;
    this.systemCode = systemCode;
  }
}

/** A temporary failure in name resolution (EAI_AGAIN): trying again later may succeed. */
export class ResolverAgainError extends ResolverError {}
/** A non-recoverable resolver failure (EAI_FAIL). */
export class ResolverFailError extends ResolverError {}
/** The name or address is not known (EAI_NONAME, EAI_NODATA, EAI_ADDRFAMILY). */
export class ResolverNoNameError extends ResolverError {}
/** Any other resolver answer (EAI_FAMILY, EAI_SERVICE, EAI_SOCKTYPE, EAI_SYSTEM, ...). */
export class ResolverUnknownError extends ResolverError {}

/** A service name or port that the services database does not know for the protocol. */
export class UnknownServiceError extends IolibError {
  /** Always 'ERR_UNKNOWN_SERVICE'. */
  readonly code = 'ERR_UNKNOWN_SERVICE';
  /** The name or port that was looked up. */
  readonly datum: unknown;
  /** The protocol it was looked up for: 'tcp', 'udp' or 'any'. */
  readonly protocol: string;
  constructor(datum: unknown, protocol: string, message?: string) {
    super(message ?? `Unknown service ${shown(datum)} for protocol ${protocol}`);
    this.datum = datum;
    this.protocol = protocol;
  }
}

/** A protocol name or number that the protocols database does not know. */
export class UnknownProtocolError extends IolibError {
  /** Always 'ERR_UNKNOWN_PROTOCOL'. */
  readonly code = 'ERR_UNKNOWN_PROTOCOL';
  /** The name or number that was looked up. */
  readonly datum: unknown;
  constructor(datum: unknown, message?: string) {
    super(message ?? `Unknown protocol ${shown(datum)}`);
    this.datum = datum;
  }
}

/** A network interface name or index that the system does not have (errno ENXIO). */
export class UnknownInterfaceError extends SyscallError {
  /** The name or index that was looked up. */
  readonly datum: unknown;
  constructor(datum: unknown, syscall = typeof datum === 'number' ? 'if_indextoname' : 'if_nametoindex', message?: string) {
    super('ENXIO', syscall, message ?? `Unknown interface ${shown(datum)}`);
    this.datum = datum;
  }
}
