// Vite turns an imported image into the URL of a file it emits next to the bundle.
declare module '*.svg' {
  const url: string;
  export default url;
}
