// The preload: builds window.keyrite from the IPC contract over ipcRenderer, and exposes nothing else.
// All behaviour is in buildKeyriteApi (src-shared/ipc/api.ts), which the e2e harness runs unchanged
// by bundling this very file with `electron` replaced by a loopback transport.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildKeyriteApi, type IpcTransport } from '../src-shared/ipc/api.js';

const transport: IpcTransport = {
  invoke: (channel, request) => ipcRenderer.invoke(channel, request),
  subscribe(channel, listener) {
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('keyrite', buildKeyriteApi(transport));
