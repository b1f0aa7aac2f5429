/* Adds Django's CSRF token to CKEditor 4's image uploads (paste, drop and the Image dialog's
   Upload tab all go through the "fileUploadRequest" event of the filetools plugin). The token is
   read from the admin form on the page, so it works with an HttpOnly CSRF cookie too. */
/* global CKEDITOR */
;(() => {
  if (!window.CKEDITOR) {
    return
  }
  CKEDITOR.on("instanceCreated", (created) => {
    created.editor.on("fileUploadRequest", (event) => {
      const field = document.querySelector("input[name=csrfmiddlewaretoken]")
      if (field) {
        event.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", field.value)
      }
    })
  })
})()
