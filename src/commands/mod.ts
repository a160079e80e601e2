/**
 * The commands behind the command tree in `main.ts`.
 *
 * @module
 */

export { configShow, configValidate, type ShowCommandOptions } from "./config_cmd.ts";
export { ExitError, type GlobalOptions } from "./context.ts";
export { certificateLines, handleCertCommand, type HandleCertOptions } from "./handle_cert_cmd.ts";
export { handleServerCommand, type HandleServerCommandOptions } from "./handle_server_cmd.ts";
export {
  consumeCommand,
  type ConsumeOptions,
  mapCommand,
  retryCommand,
  type RetryOptions,
} from "./run_cmds.ts";
export { publishCommand, type PublishCommandOptions } from "./publish_cmd.ts";
export { verifyCommand, type VerifyCommandOptions } from "./verify_cmd.ts";
export { sendCommand, type SendOptions } from "./send_cmd.ts";
