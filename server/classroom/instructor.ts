// The instructor where a learner id would go: the owner of the screen the class watches, of saved
// editor files and of progress. Its own module so the classroom and the broadcaster can both name
// it without importing each other.
export const INSTRUCTOR = 'instructor';
