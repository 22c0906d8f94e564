import type { Figure } from '../lib/types';
import catcher from './catcher';
import sender from './sender';
import sockets from './sockets';
import store from './store';
import ui100k from './ui-100k';
import uiStorm from './ui-storm';

// Every figure, in the order the bench runs them (one import per file here: the bench is bundled
// before it runs, so it cannot discover them in the directory at run time).
export const figures: Figure[] = [catcher, sender, sockets, store, ui100k, uiStorm].flat();
